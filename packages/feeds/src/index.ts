// @vesti/feeds: fetch (I/O) + pure decode/parse/normalise core + pure scheduling policy.
export * from "./bot-protection";
export * from "./dates";
export * from "./decode";
export * from "./errors";
export * from "./fetch";
export type { AddressPolicy } from "./net-guard";
export { addressChecker, BlockedAddressError } from "./net-guard";
export * from "./opml";
export type { FeedFormat } from "./parse";
export * from "./read";
export * from "./robots";
export * from "./schedule";
export * from "./sitemap";
export * from "./sources";
export * from "./sources-edit";
export * from "./text";
export * from "./url";
