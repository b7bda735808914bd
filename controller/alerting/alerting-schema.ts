/**
 * The tables of emergency response (issue 23), in the controller's SQLite working copy and, for a
 * pair, mirrored to PostgreSQL like every table (controller/store/pg-mirror.ts): people, studios and
 * the rota are the shared store's, and the notification queue is loaded by whichever controller
 * takes over, so nothing queued is lost. Each row keeps its record as JSON (`body`, the schema's
 * shape) beside the columns queries select on.
 */
export const ALERTING_SCHEMA = `
CREATE TABLE IF NOT EXISTS people (id TEXT PRIMARY KEY, login TEXT, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS studios (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contact_points (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS duty_shifts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, studio TEXT NOT NULL, person TEXT NOT NULL,
  from_ts INTEGER NOT NULL, to_ts INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS duty_shifts_to ON duty_shifts (to_ts);
CREATE TABLE IF NOT EXISTS runbooks (id TEXT PRIMARY KEY, kind TEXT NOT NULL, role TEXT, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, state TEXT NOT NULL, incident INTEGER NOT NULL,
  starts_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alerts_open ON alerts (state, key);
CREATE INDEX IF NOT EXISTS alerts_starts ON alerts (starts_at);
CREATE TABLE IF NOT EXISTS incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, opened_at INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS incidents_opened ON incidents (opened_at);
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, next_attempt_at INTEGER NOT NULL,
  alert INTEGER, contact TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notifications_due ON notifications (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS ack_tokens (nonce TEXT PRIMARY KEY, used_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS alerting_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;
