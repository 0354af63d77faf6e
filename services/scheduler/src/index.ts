export { enqueueDueFeeds } from "./processors/enqueue-due-feeds";
export { enqueuePendingPages } from "./processors/enqueue-pending-pages";
export { startScheduler } from "./scheduler";
