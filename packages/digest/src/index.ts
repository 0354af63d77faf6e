export { createMailTransport } from "@vesti/mail";
export { escapeHtml } from "@vesti/mail/html";
export { composeDigest, type DigestEmail, type DigestRecipient } from "./compose";
export {
  DigestDeliveryError,
  type DigestDeps,
  type DigestRun,
  digestMessageId,
  sendWeeklyDigest,
} from "./send";
export { isoWeekLabel, lastCompleteWeek, parseWeek, weekStartOf } from "./week";
