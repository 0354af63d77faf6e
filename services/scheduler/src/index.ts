export {
  ALERT_HORIZON,
  type AlertsRun,
  AlertsRunError,
  alertEmail,
  alertMessageId,
  type DetectAlertsDeps,
  detectQuery,
  factsOf,
  morningAfter,
  paramsOf,
  processDetectAlerts,
  type QueryDetection,
  sendAlertEmails,
} from "./processors/detect-alerts";
export { enqueueDueFeeds } from "./processors/enqueue-due-feeds";
export { enqueuePendingPages } from "./processors/enqueue-pending-pages";
export { startScheduler } from "./scheduler";
