import { describe, expect, it } from "vitest";
import { articleFetchJobId, articleFetchJobs, jobOptionsFor, parsePayload, QueueName } from "../src/index";

describe("the article-fetch queue", () => {
  it("has one job id per article, and a payload that names the article", () => {
    expect(articleFetchJobId(42)).toBe("article-42");
    expect(parsePayload(QueueName.ArticleFetch, { articleId: 42 })).toEqual({ articleId: 42 });
    expect(() => parsePayload(QueueName.ArticleFetch, { articleId: "42" })).toThrow();
    expect(() => parsePayload(QueueName.ArticleFetch, {})).toThrow();
    // a failed job frees its id for the tick's catch-up within minutes, not a day
    expect(jobOptionsFor(QueueName.ArticleFetch).removeOnFail).toEqual({ age: 900, count: 10_000 });
  });

  it("staggers the articles of one host by the spacing, each host on its own", () => {
    const jobs = articleFetchJobs(
      [
        { id: 1, url: "https://a.example/1" },
        { id: 2, url: "https://b.example/1" },
        { id: 3, url: "https://A.example/2" },
        { id: 4, url: "https://a.example/3" },
        { id: 5, url: null },
        { id: 6, url: "not a url" },
      ],
      5_000,
    );
    expect(jobs.map((j) => [j.data.articleId, j.opts.jobId, j.opts.delay ?? 0])).toEqual([
      [1, "article-1", 0],
      [2, "article-2", 0],
      [3, "article-3", 5_000],
      [4, "article-4", 10_000],
      [5, "article-5", 0],
      [6, "article-6", 5_000],
    ]);
  });
});
