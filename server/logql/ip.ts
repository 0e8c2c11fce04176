/**
 * `ip("…")` filters as Loki v2.7 evaluates them (pkg/logql/log/ip.go with inet.af/netaddr):
 * a pattern is one address, a CIDR prefix or a `from-to` range (IPv4 or IPv6); a line or label
 * value matches when the scan of Loki's `ipFilter.filter` finds an address the pattern contains.
 */

type IpAddress = { v4: true; value: number } | { v4: false; value: bigint };

export type IpPattern =
  | { kind: "ip"; ip: IpAddress }
  | { kind: "prefix"; v4: boolean; lo4: number; hi4: number; lo6: bigint; hi6: bigint }
  | { kind: "range"; v4: boolean; lo4: number; hi4: number; lo6: bigint; hi6: bigint };

/** netaddr.ParseIP (strict dotted quads without leading zeros; IPv6 with `::` and embedded IPv4). */
export function parseIp(text: string): IpAddress | null {
  if (text.includes(":")) {
    const v6 = parseIPv6(text);
    return v6 === null ? null : { v4: false, value: v6 };
  }
  const v4 = parseIPv4(text, 0, text.length);
  return v4 < 0 ? null : { v4: true, value: v4 };
}

/** Parses `text[start:end]` as a dotted quad; -1 when invalid. */
export function parseIPv4(text: string, start: number, end: number): number {
  let value = 0;
  let fields = 0;
  let octet = -1;
  let digits = 0;
  let leadingZero = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 0) {
        octet = c - 48;
        leadingZero = c === 48;
      } else {
        if (leadingZero) return -1;
        octet = octet * 10 + (c - 48);
        if (octet > 255) return -1;
      }
      digits++;
      continue;
    }
    if (c === 46) {
      if (digits === 0 || fields === 3) return -1;
      value = value * 256 + octet;
      fields++;
      digits = 0;
      continue;
    }
    return -1;
  }
  if (digits === 0 || fields !== 3) return -1;
  return value * 256 + octet;
}

function parseIPv6(text: string): bigint | null {
  if (text.includes("%")) return null;
  let s = text;
  let tailV4: number | null = null;
  const lastColon = s.lastIndexOf(":");
  const tail = s.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseIPv4(tail, 0, tail.length);
    if (v4 < 0) return null;
    tailV4 = v4;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const parts = s.split("::");
  if (parts.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === "") return [];
    const groups = part.split(":");
    const out: number[] = [];
    for (const g of groups) {
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(parts[0] ?? "");
  if (head === null) return null;
  let groups: number[];
  if (parts.length === 2) {
    const rest = parseGroups(parts[1] ?? "");
    if (rest === null) return null;
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  if (tailV4 !== null) value = (value & ~0xffffffffn) | BigInt(tailV4);
  return value;
}

function v4Mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** netaddr's ParseIP / ParseIPPrefix / ParseIPRange, tried in that order (Loki's getMatcher). */
export function parseIpPattern(pattern: string): IpPattern | null {
  const ip = parseIp(pattern);
  if (ip) return { kind: "ip", ip };
  const slash = pattern.lastIndexOf("/");
  if (slash !== -1) {
    const addr = parseIp(pattern.slice(0, slash));
    const bitsText = pattern.slice(slash + 1);
    if (addr && /^[0-9]+$/.test(bitsText)) {
      const bits = Number(bitsText);
      if (addr.v4 && bits <= 32) {
        const mask = v4Mask(bits);
        const lo = (addr.value & mask) >>> 0;
        const hi = (lo | (~mask >>> 0)) >>> 0;
        return { kind: "prefix", v4: true, lo4: lo, hi4: hi, lo6: 0n, hi6: 0n };
      }
      if (!addr.v4 && bits <= 128) {
        const hostBits = 128n - BigInt(bits);
        const hostMask = (1n << hostBits) - 1n;
        const lo = addr.value & ~hostMask & ((1n << 128n) - 1n);
        return { kind: "prefix", v4: false, lo4: 0, hi4: 0, lo6: lo, hi6: lo | hostMask };
      }
    }
    return null;
  }
  const dash = pattern.indexOf("-");
  if (dash !== -1) {
    const from = parseIp(pattern.slice(0, dash));
    const to = parseIp(pattern.slice(dash + 1));
    if (!from || !to || from.v4 !== to.v4) return null;
    if (from.v4 && to.v4) {
      if (from.value > to.value) return null;
      return { kind: "range", v4: true, lo4: from.value, hi4: to.value, lo6: 0n, hi6: 0n };
    }
    if (!from.v4 && !to.v4) {
      if (from.value > to.value) return null;
      return { kind: "range", v4: false, lo4: 0, hi4: 0, lo6: from.value, hi6: to.value };
    }
  }
  return null;
}

function containsV4(pattern: IpPattern, value: number): boolean {
  if (pattern.kind === "ip") return pattern.ip.v4 && pattern.ip.value === value;
  return pattern.v4 && value >= pattern.lo4 && value <= pattern.hi4;
}

function containsAddress(pattern: IpPattern, ip: IpAddress): boolean {
  if (ip.v4) return containsV4(pattern, ip.value);
  if (pattern.kind === "ip") return !pattern.ip.v4 && pattern.ip.value === ip.value;
  return !pattern.v4 && ip.value >= pattern.lo6 && ip.value <= pattern.hi6;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isV4Char(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46;
}

function isV6Char(c: number): boolean {
  return isHex(c) || c === 58 || c === 46;
}

/** Loki's `ipFilter.filter`: scans `text` for addresses (with its hints and skips) and tests each against the pattern. */
export function ipFilterMatches(pattern: IpPattern, text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  // Without ':' only IPv4 hints can fire, and only within 3 characters before a '.': skip ahead.
  const colonFree = text.indexOf(":") === -1;
  let i = 0;
  while (i < n) {
    if (colonFree) {
      const dot = text.indexOf(".", i + 1);
      if (dot === -1) return false;
      if (dot - 3 > i) i = dot - 3;
    }
    if (i + 3 < n) {
      const c0 = text.charCodeAt(i);
      if (isDigit(c0) && (text.charCodeAt(i + 1) === 46 || text.charCodeAt(i + 2) === 46 || text.charCodeAt(i + 3) === 46)) {
        let end = i;
        while (end < n && isV4Char(text.charCodeAt(end))) end++;
        const v4 = parseIPv4(text, i, end);
        if (v4 >= 0 && containsV4(pattern, v4)) return true;
        i = end + 1;
        continue;
      }
    }
    if (!colonFree && i + 4 < n && ipv6Hint(text, i)) {
      let end = i;
      while (end < n && isV6Char(text.charCodeAt(end))) end++;
      const ip = parseIp(text.slice(i, end));
      if (ip && containsAddress(pattern, ip)) return true;
      i = end + 1;
      continue;
    }
    i++;
  }
  return false;
}

function ipv6Hint(text: string, i: number): boolean {
  const p0 = text.charCodeAt(i);
  const p1 = text.charCodeAt(i + 1);
  const p2 = text.charCodeAt(i + 2);
  const p3 = text.charCodeAt(i + 3);
  const p4 = text.charCodeAt(i + 4);
  return (
    (p0 === 58 && p1 === 58 && isHex(p2)) ||
    (isHex(p0) && p1 === 58) ||
    (isHex(p0) && isHex(p1) && p2 === 58) ||
    (isHex(p0) && isHex(p1) && isHex(p2) && p3 === 58) ||
    (isHex(p0) && isHex(p1) && isHex(p2) && isHex(p3) && p4 === 58)
  );
}
