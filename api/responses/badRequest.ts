/** Sails' built-in res.badRequest(), answered as JSON like every other error of the API. */
export = function badRequest(this: { res: { status(code: number): { json(body: unknown): void } } }) {
  this.res.status(400).json({ message: 'Bad request.' });
};
