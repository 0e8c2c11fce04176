import { describe, expect, it } from "vitest";
import { parseListenAddress } from "./store";

describe("parseListenAddress", () => {
  it.each([
    ["127.0.0.1:3100", { host: "127.0.0.1", port: 3100 }],
    [":3100", { host: "127.0.0.1", port: 3100 }],
    ["3100", { host: "127.0.0.1", port: 3100 }],
    ["0.0.0.0:80", { host: "0.0.0.0", port: 80 }],
    ["[::1]:3100", { host: "::1", port: 3100 }],
  ])("%s", (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it("refuses what is not an address", () => {
    expect(() => parseListenAddress("localhost")).toThrow(/not an address/);
    expect(() => parseListenAddress("host:99999")).toThrow(/not an address/);
  });
});
