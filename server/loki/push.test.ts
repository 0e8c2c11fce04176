import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type PushStream, decodePushRequest, encodePushJson, encodePushProtobuf, formatLabels, parseLabels } from "./push";

const streams: PushStream[] = [
  {
    labels: { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-1234abcd", __aws_s3_vpc_flow_owner: "123456789012" },
    entries: [
      { timestamp: 1669842701000000000n, line: "2 123456789012 eni-0050644426037aa0f 10.26.1.153 3.239.232.29 60220 443 6 48 21869 1669842701 1669842702 ACCEPT OK" },
      { timestamp: 1669842701000000001n, line: 'quote " backslash \\ unicode é' },
    ],
  },
  { labels: { job: 'we"ird\\' }, entries: [{ timestamp: 1n, line: "", structuredMetadata: { trace_id: "abc" } }] },
];

describe("push protocol", () => {
  it("round-trips JSON bodies", () => {
    const body = new TextEncoder().encode(encodePushJson(streams));
    expect(decodePushRequest(body, "application/json", null)).toEqual(streams);
  });

  it("round-trips snappy protobuf bodies, nanoseconds exact", () => {
    expect(decodePushRequest(encodePushProtobuf(streams), "application/x-protobuf", null)).toEqual(streams);
  });

  it("accepts gzip content encoding", () => {
    const body = gzipSync(Buffer.from(encodePushJson(streams)));
    expect(decodePushRequest(body, "application/json; charset=utf-8", "gzip")).toEqual(streams);
  });

  it.each([
    ["not json", "application/json", null, /not valid JSON/],
    ['{"streams":{}}', "application/json", null, /"streams" array/],
    ['{"streams":[{"stream":{"a":1},"values":[]}]}', "application/json", null, /stream.a must be a string/],
    ['{"streams":[{"stream":{"a":"b"},"values":[[1,"x"]]}]}', "application/json", null, /values\[0\]\[0\] must be a Unix timestamp/],
    ['{"streams":[{"stream":{"a":"b"},"values":[["1"]]}]}', "application/json", null, /values\[0\] must be/],
    ["garbage", "application/x-protobuf", null, /not snappy-compressed/],
    ["x", "application/json", "br", /unsupported Content-Encoding/],
    ["x", "application/json", "gzip", /not gzip|body is not/],
  ])("rejects %j (%s, %s)", (body, type, encoding, message) => {
    expect(() => decodePushRequest(new TextEncoder().encode(body), type, encoding)).toThrow(message);
  });
});

describe("label sets", () => {
  it.each([
    ['{a="b"}', { a: "b" }],
    ['{ a = "b" , c="d\\"e" }', { a: "b", c: 'd"e' }],
    ["{}", {}],
  ])("parses %s", (text, labels) => {
    expect(parseLabels(text)).toEqual(labels);
  });

  it.each(['a="b"', '{a="b"', '{1a="b"}', '{a="b",a="c"}', '{a=b}'])("rejects %s", (text) => {
    expect(() => parseLabels(text)).toThrow(/error parsing labels/);
  });

  it("formats sorted and escaped, and parses back", () => {
    const labels = { z: "1", a: 'q"\\' };
    expect(formatLabels(labels)).toBe('{a="q\\"\\\\", z="1"}');
    expect(parseLabels(formatLabels(labels))).toEqual(labels);
  });
});
