export { type Classification, type ClassifyInput, classifyItem } from "./classify";
export { prepareArticles, processFetchFeed } from "./processors/fetch-feed";
export { processRetag } from "./processors/retag";
export { startIngestWorkers } from "./workers";
