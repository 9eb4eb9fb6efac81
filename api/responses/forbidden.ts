/** Sails' built-in res.forbidden(), answered as JSON like every other error of the API. */
export = function forbidden(this: { res: { status(code: number): { json(body: unknown): void } } }) {
  this.res.status(403).json({ message: 'Forbidden.' });
};
