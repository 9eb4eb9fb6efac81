/** Sails' built-in res.notFound(), answered as JSON like every other error of the API. */
export = function notFound(this: { res: { status(code: number): { json(body: unknown): void } } }) {
  this.res.status(404).json({ message: 'Not found.' });
};
