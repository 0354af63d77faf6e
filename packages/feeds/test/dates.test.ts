import { describe, expect, it } from "vitest";
import { parseFeedDate, resolveItemDate, zonedTimeToUtc } from "../src/dates";

const iso = (s: string, tz = "Europe/Belgrade") => parseFeedDate(s, tz)?.toISOString() ?? null;

describe("parseFeedDate", () => {
  it.each([
    ["Sun, 12 Jun 2016 10:15:00 +0300", "2016-06-12T07:15:00.000Z"],
    ["Sun, 12 Jun 2016 10:15:00 GMT", "2016-06-12T10:15:00.000Z"],
    ["Wed, 03 Jan 2018 15:04:00 GMT\r\n      ", "2018-01-03T15:04:00.000Z"],
    ["12 Jun 2016 10:15 MSK", "2016-06-12T07:15:00.000Z"],
    ["Sun, 12 Jun 16 10:15:00 EST", "2016-06-12T15:15:00.000Z"],
    ["Sun, 12 Jun 2016 10:15:00 +03:00", "2016-06-12T07:15:00.000Z"],
    ["2016-06-12T10:15:00Z", "2016-06-12T10:15:00.000Z"],
    ["2016-06-12T10:15:00.250+03:00", "2016-06-12T07:15:00.250Z"],
    ["2016-06-12 10:15:00+0200", "2016-06-12T08:15:00.000Z"],
  ])("%s", (input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it("uses the outlet's zone when the string has none (with DST)", () => {
    expect(iso("2016-06-12T10:15:00")).toBe("2016-06-12T08:15:00.000Z"); // CEST
    expect(iso("2016-12-12T10:15:00")).toBe("2016-12-12T09:15:00.000Z"); // CET
    expect(iso("2016-06-12T10:15:00", "Europe/Moscow")).toBe("2016-06-12T07:15:00.000Z");
    expect(iso("2016-06-12", "Europe/Moscow")).toBe("2016-06-11T21:00:00.000Z");
  });

  it("reads Russian month names in the genitive", () => {
    expect(iso("12 июня 2016 10:15", "Europe/Moscow")).toBe("2016-06-12T07:15:00.000Z");
    expect(iso("3 декабря 2022, 14:05", "Europe/Moscow")).toBe("2022-12-03T11:05:00.000Z");
    expect(iso("1 марта 2024 г. в 09:00", "Europe/Moscow")).toBe("2024-03-01T06:00:00.000Z");
    expect(iso("Вс, 12 июня 2016 10:15:00 +0300")).toBe("2016-06-12T07:15:00.000Z");
  });

  it("reads Serbian dates in Latin and Cyrillic and numeric form", () => {
    expect(iso("12. jun 2016. 10:15")).toBe("2016-06-12T08:15:00.000Z");
    expect(iso("3. decembra 2022. u 14:05")).toBe("2022-12-03T13:05:00.000Z");
    expect(iso("3. децембра 2022. 14:05")).toBe("2022-12-03T13:05:00.000Z");
    expect(iso("03.12.2022. 14:05")).toBe("2022-12-03T13:05:00.000Z");
    expect(iso("03.12.2022 14:05:30")).toBe("2022-12-03T13:05:30.000Z");
  });

  it("reads US-style month-first dates", () => {
    expect(iso("June 12, 2016 10:15:00 GMT")).toBe("2016-06-12T10:15:00.000Z");
  });

  it("rejects garbage and impossible dates", () => {
    for (const s of [
      "",
      "   ",
      "yesterday",
      "31 Jun 2016 10:00:00 GMT",
      "2016-13-01",
      "12 Foo 2016 10:00",
      "Sun, 12 Jun 2016 10:15:00 XYZ",
    ]) {
      expect(parseFeedDate(s, "Europe/Belgrade"), s).toBeNull();
    }
  });

  it("handles the DST gap and overlap deterministically", () => {
    // 2016-03-27 02:30 does not exist in Belgrade; we land within the hour around it.
    const t = zonedTimeToUtc(2016, 3, 27, 2, 30, 0, 0, "Europe/Belgrade");
    expect(Math.abs(t - Date.UTC(2016, 2, 27, 1, 0))).toBeLessThanOrEqual(3600_000);
  });
});

describe("resolveItemDate", () => {
  const fetchedAt = new Date("2026-11-27T12:00:00Z");
  it("falls back to fetch time, flagged estimated", () => {
    expect(resolveItemDate([undefined, null], "UTC", fetchedAt)).toEqual({
      publishedAt: fetchedAt,
      publishedEstimated: true,
    });
    const r = resolveItemDate(["nonsense"], "UTC", fetchedAt);
    expect(r.publishedEstimated).toBe(true);
    expect(r.warning).toMatch(/unparseable/);
  });
  it("clamps the future without flagging estimated, warns", () => {
    const r = resolveItemDate(["2027-01-01T00:00:00Z"], "UTC", fetchedAt);
    expect(r).toMatchObject({ publishedAt: fetchedAt, publishedEstimated: false });
    expect(r.warning).toMatch(/future/);
    expect(resolveItemDate(["2026-11-27T12:01:00Z"], "UTC", fetchedAt).warning).toBeUndefined();
  });
  it("uses the first parseable candidate", () => {
    expect(resolveItemDate(["", "2026-11-01T00:00:00Z"], "UTC", fetchedAt).publishedAt.toISOString()).toBe(
      "2026-11-01T00:00:00.000Z",
    );
  });
});
