/** Nothing global: code reaches models through `sails.models` and its own imports. */
export = {
  globals: { _: false, async: false, models: false, sails: true },
};
