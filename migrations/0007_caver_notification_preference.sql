-- Up Migration
-- Grottocenter's email opt-out (SPEC 12.4): a caver who turns it off still gets in-app
-- notifications, but no email about them (the completion email of an import included).

ALTER TABLE t_caver ADD COLUMN send_notification_by_email boolean NOT NULL DEFAULT true;

-- Down Migration
ALTER TABLE t_caver DROP COLUMN send_notification_by_email;
