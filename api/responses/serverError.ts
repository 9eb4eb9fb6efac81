/** Sails' built-in res.serverError(), answered as JSON like every other error of the API. */
export = function serverError(this: { res: { status(code: number): { json(body: unknown): void } } }) {
  this.res.status(500).json({ message: 'Internal server error.' });
};
