import { describe, expect, it } from "vitest";
import { decodePushRequest, formatLabels } from "../loki/push";
import { PushBatch, encodeBatchJson, encodeBatchProtobuf } from "./batch";

function sampleBatch(): PushBatch {
  const batch = new PushBatch();
  const a = { __aws_log_type: "s3_vpc_flow", __aws_s3_vpc_flow: "fl-1", __aws_s3_vpc_flow_owner: "123456789012" };
  const b = { ...a, __aws_s3_vpc_flow: "fl-2", env: "prod \"eu\"" };
  const sa = batch.stream(formatLabels(a), a);
  const sb = batch.stream(formatLabels(b), b);
  batch.add(sa, "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000001 ACCEPT OK", 1700000000, 0);
  batch.add(sa, "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000001 ACCEPT OK", 1700000000, 1);
  batch.add(sb, "a line with ünïcödé and a long tail " + "x".repeat(300), 4102444800, 999_999_999);
  batch.add(sb, "", 1, 123);
  return batch;
}

function expected(batch: PushBatch) {
  return [...batch.streams.values()].map((s) => ({
    labels: s.labels,
    entries: s.lines.map((line, i) => ({ timestamp: BigInt(s.seconds[i] as number) * 1_000_000_000n + BigInt(s.nanos[i] as number), line })),
  }));
}

describe("push batch encoding", () => {
  it("writes snappy protobuf that Loki's PushRequest decoder reads back exactly", () => {
    const batch = sampleBatch();
    const decoded = decodePushRequest(encodeBatchProtobuf(batch), "application/x-protobuf", null);
    expect(decoded).toEqual(expected(batch));
  });

  it("writes JSON with nanosecond timestamps as strings", () => {
    const batch = sampleBatch();
    const body = encodeBatchJson(batch);
    expect(JSON.parse(body).streams[0].values[1][0]).toBe("1700000000000000001");
    const decoded = decodePushRequest(new TextEncoder().encode(body), "application/json", null);
    expect(decoded).toEqual(expected(batch));
  });

  it("counts entries and line bytes", () => {
    const batch = sampleBatch();
    expect(batch.entries).toBe(4);
    expect(batch.streams.size).toBe(2);
    expect(batch.bytes).toBe([...batch.streams.values()].flatMap((s) => s.lines).reduce((n, l) => n + l.length, 0));
  });
});
