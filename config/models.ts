/**
 * Waterline models map existing tables; the schema belongs to migrations/, so the ORM never alters it.
 */
export = {
  models: {
    migrate: 'safe',
    datastore: 'default',
    schema: true,
    attributes: {},
    // Required by Waterline even when no attribute is encrypted; nothing here is encrypted.
    dataEncryptionKeys: { default: 'unused-no-attribute-is-encrypted-0000' },
    cascadeOnDestroy: false,
  },
};
