export { escapeHtml, safeHref } from "./html";
export {
  type DeliveryFailure,
  type MailAttachment,
  type MailDeps,
  type OutgoingMail,
  type SendEachResult,
  sendEachOnce,
  withSessionLock,
} from "./once";
export { createMailTransport, senderAddress, stableMessageId, type Transporter } from "./transport";
export { listUnsubscribeHeaders, unsubscribeUrl } from "./unsubscribe";
