export { type ServerAccount, serverAccount, unreachableFolder } from "./account";
export { findPostgresBinaries, type PostgresBinaries } from "./binaries";
export { EmbeddedPostgresError } from "./errors";
export {
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
  embeddedPostgresStatus,
  openEmbeddedPostgres,
  stopEmbeddedPostgres,
} from "./server";
