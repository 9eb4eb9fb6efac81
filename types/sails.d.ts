/** The part of Waterline's model API the actions use. */
export interface WaterlineQuery<T> extends PromiseLike<T> {
  sort(clause: string | object[]): WaterlineQuery<T>;
  limit(n: number): WaterlineQuery<T>;
  skip(n: number): WaterlineQuery<T>;
  set(values: object): WaterlineQuery<T>;
}

export interface WaterlineModel<R> {
  findOne(criteria: object): WaterlineQuery<R | undefined>;
  find(criteria?: object): WaterlineQuery<R[]>;
  count(criteria?: object): WaterlineQuery<number>;
  updateOne(criteria: object): WaterlineQuery<R | undefined>;
}

declare global {
  const sails: {
    models: {
      tnotification: WaterlineModel<Record<string, unknown>>;
    };
  };
}
