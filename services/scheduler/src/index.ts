export { enqueueDueFeeds } from "./processors/enqueue-due-feeds";
export { startScheduler } from "./scheduler";
