/**
 * IP addresses as numbers, read straight from text without allocating: IPv4 as an unsigned 32-bit
 * number, IPv6 as four unsigned 32-bit words. These run twice per flow record; CIDR parsing (not
 * hot) uses ipaddr.js.
 */
import ipaddr from "ipaddr.js";

/** The IPv4 address in `text` as an unsigned 32-bit number, or -1 when it is not a dotted quad. */
export function parseIPv4(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || octet > 255) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      octet = octet * 10 + (code - 48);
      if (++digits > 3) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0 || octet > 255) return -1;
  return value * 256 + octet;
}

const groups = new Uint16Array(8);

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * Reads the IPv6 address in `text` into `out` (four 32-bit words, most significant first).
 * Handles `::` and an embedded IPv4 tail (`::ffff:10.0.0.1`); false when `text` is not IPv6.
 */
export function parseIPv6(text: string, out: Uint32Array): boolean {
  const length = text.length;
  if (length < 2 || length > 45) return false;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < length) {
    const start = i;
    let value = 0;
    let digits = 0;
    while (i < length) {
      const digit = hexValue(text.charCodeAt(i));
      if (digit < 0) break;
      value = value * 16 + digit;
      digits++;
      i++;
    }
    if (i < length && text.charCodeAt(i) === 46) {
      if (count > 6) return false;
      const v4 = parseIPv4(text.substring(start));
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = length;
      break;
    }
    if (digits === 0 || digits > 4 || count >= 8) return false;
    groups[count++] = value;
    if (i === length) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < length && text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === length) {
      return false;
    }
  }
  if (gap >= 0) {
    if (count >= 8) return false;
    const tail = count - gap;
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k] as number;
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  } else if (count !== 8) {
    return false;
  }
  for (let w = 0; w < 4; w++) out[w] = (((groups[2 * w] as number) << 16) | (groups[2 * w + 1] as number)) >>> 0;
  return true;
}

/** A stable text key for an IPv6 address held in four words (the same for every spelling of it). */
export function ipv6Key(words: Uint32Array): string {
  return `${(words[0] as number).toString(16)}:${(words[1] as number).toString(16)}:${(words[2] as number).toString(16)}:${(words[3] as number).toString(16)}`;
}

/** RFC 1918 ranges and the shared address space 100.64.0.0/10 (used for EKS pods and carrier NAT). */
export function isPrivateIPv4(address: number): boolean {
  return (
    (address >= 0x0a000000 && address <= 0x0affffff) ||
    (address >= 0xac100000 && address <= 0xac1fffff) ||
    (address >= 0xc0a80000 && address <= 0xc0a8ffff) ||
    (address >= 0x64400000 && address <= 0x647fffff)
  );
}

/** Link-local (169.254.0.0/16: instance metadata, Route 53 Resolver's 169.254.169.253) and loopback. */
export function isLocalIPv4(address: number): boolean {
  return (address >= 0xa9fe0000 && address <= 0xa9feffff) || (address >= 0x7f000000 && address <= 0x7fffffff);
}

/** Unique-local (fc00::/7), link-local (fe80::/10) and loopback IPv6. */
export function isPrivateIPv6(words: Uint32Array): boolean {
  const top = words[0] as number;
  if (top >>> 25 === 0x7e) return true; // fc00::/7
  if (top >>> 22 === 0x3fa) return true; // fe80::/10
  return top === 0 && words[1] === 0 && words[2] === 0 && words[3] === 1;
}

/** A CIDR (or a single address) as a family and an inclusive range of addresses. */
export interface CidrRange {
  family: 4 | 6;
  /** First address (IPv4: < 2^32; IPv6: < 2^128). */
  first: bigint;
  last: bigint;
  prefixLength: number;
  /** The CIDR in its normal spelling, with host bits cleared (`10.0.0.0/16`). */
  cidr: string;
}

/** Reads a CIDR such as `10.0.0.0/16` or `2600:1f14::/35` (a bare address is a /32 or /128); undefined when invalid. */
export function parseCidr(text: string): CidrRange | undefined {
  const trimmed = text.trim();
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefixLength: number;
  try {
    if (trimmed.includes("/")) {
      [address, prefixLength] = ipaddr.parseCIDR(trimmed);
    } else {
      address = ipaddr.parse(trimmed);
      prefixLength = address.kind() === "ipv4" ? 32 : 128;
    }
  } catch {
    return undefined;
  }
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).zoneId) return undefined;
  const bits = address.kind() === "ipv4" ? 32 : 128;
  let value = 0n;
  for (const byte of address.toByteArray()) value = (value << 8n) | BigInt(byte);
  const hostBits = BigInt(bits - prefixLength);
  const first = (value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  const family = bits === 32 ? 4 : 6;
  return { family, first, last, prefixLength, cidr: `${formatAddress(first, family)}/${prefixLength}` };
}

/** The address `value` in its usual spelling (dotted quad, or RFC 5952 IPv6). */
export function formatAddress(value: bigint, family: 4 | 6): string {
  const bytes: number[] = [];
  const count = family === 4 ? 4 : 16;
  for (let i = count - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  const address = ipaddr.fromByteArray(bytes);
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
}

/** The address in `text` as a bigint and family (not hot: for building tables). */
export function addressValue(text: string): { family: 4 | 6; value: bigint } | undefined {
  const range = parseCidr(text);
  if (!range || text.includes("/")) return undefined;
  return { family: range.family, value: range.first };
}
