/** A problem starting or stopping the embedded PostgreSQL server; the message says what to do about it. */
export class EmbeddedPostgresError extends Error {
  override readonly name = "EmbeddedPostgresError";
}
