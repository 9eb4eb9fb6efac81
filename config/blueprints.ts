/** No generated routes: the API is exactly what config/routes.ts lists. */
export = {
  blueprints: { actions: false, rest: false, shortcuts: false },
};
