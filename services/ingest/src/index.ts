export { type Classification, type ClassifyInput, classifyItem } from "./classify";
export { type FetchFeedResult, prepareArticles, processFetchFeed } from "./processors/fetch-feed";
export { processRetag, type RetagResult } from "./processors/retag";
export { type CycleSummary, formatCycle, reportPollCycles } from "./progress";
export { startIngestWorkers } from "./workers";
