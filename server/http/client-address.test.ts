// The client address server.mjs computes for every request: the socket peer unless it is a trusted proxy.
import { describe, expect, it } from 'vitest';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { CLIENT_IP_HEADER, computeClientAddress, isTrustedProxy, normalizeAddress, parseTrustedProxies, setClientIpHeader } from './client-address.mjs';

const none = parseTrustedProxies(undefined);
const proxies = parseTrustedProxies('10.0.0.0/8, 192.168.1.5 ,fd00::/8');

describe('normalizeAddress', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    [' 1.2.3.4 ', '1.2.3.4'],
    ['1.2.3.4:5678', '1.2.3.4'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['0:0:0:0:0:ffff:10.1.2.3', '10.1.2.3'],
    ['::1', '::1'],
    ['[2001:DB8::1]:443', '2001:db8::1'],
    ['[::1]', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s → %s', (input, out) => expect(normalizeAddress(input)).toBe(out));

  it.each(['', 'unknown', 'localhost', '1.2.3', '1.2.3.256', '999.1.1.1', 'evil.com', '1.2.3.4, 5.6.7.8', '_hidden', 'x'.repeat(200)])('%j is not an address', (input) =>
    expect(normalizeAddress(input)).toBeNull(),
  );
  it('null and undefined are not addresses', () => {
    expect(normalizeAddress(null)).toBeNull();
    expect(normalizeAddress(undefined)).toBeNull();
  });
});

describe('parseTrustedProxies (HARBORMASTER_TRUSTED_PROXIES)', () => {
  it('is empty by default: nothing is trusted, loopback neither', () => {
    for (const v of [undefined, '', ' , ']) expect(parseTrustedProxies(v).entries).toEqual([]);
    expect(isTrustedProxy('127.0.0.1', none)).toBe(false);
    expect(isTrustedProxy('::1', none)).toBe(false);
  });

  it('takes addresses and CIDR ranges of both families', () => {
    expect(proxies.entries).toEqual(['10.0.0.0/8', '192.168.1.5', 'fd00::/8']);
    expect(isTrustedProxy('10.200.3.4', proxies)).toBe(true);
    expect(isTrustedProxy('11.0.0.1', proxies)).toBe(false);
    expect(isTrustedProxy('192.168.1.5', proxies)).toBe(true);
    expect(isTrustedProxy('192.168.1.6', proxies)).toBe(false);
    expect(isTrustedProxy('fd12::1', proxies)).toBe(true);
    expect(isTrustedProxy('fe80::1', proxies)).toBe(false);
    expect(parseTrustedProxies('::ffff:10.0.0.0/104').entries).toEqual(['10.0.0.0/8']);
    expect(parseTrustedProxies('0.0.0.0/0').list.check('8.8.8.8', 'ipv4')).toBe(true);
  });

  it.each([
    ['localhost', /not an IP address or CIDR range/],
    ['10.0.0.0/33', /prefix length .* 0 to 32/],
    ['fd00::/129', /prefix length .* 0 to 128/],
    ['10.0.0.0/', /prefix length/],
    ['10.0.0.0/8/9', /prefix length/],
    ['10.0.0.0/-1', /prefix length/],
    ['10.0.0.1:8080', /without port/],
    ['[::1]', /without port, brackets/],
    ['1.2.3.4, nope', /"nope"/],
  ])('refuses %j with a clear message', (value, message) => expect(() => parseTrustedProxies(value)).toThrow(message));
});

describe('computeClientAddress', () => {
  it('an untrusted peer is the client; its X-Forwarded-For is ignored', () => {
    expect(computeClientAddress({ peer: '127.0.0.1', forwardedFor: '203.0.113.9', trusted: none })).toBe('127.0.0.1');
    expect(computeClientAddress({ peer: '::ffff:198.51.100.4', forwardedFor: '10.0.0.1', trusted: proxies })).toBe('198.51.100.4');
    expect(computeClientAddress({ peer: undefined, forwardedFor: '1.2.3.4', trusted: proxies })).toBeNull();
  });

  it('a trusted peer: the right-most X-Forwarded-For address that is not a trusted proxy', () => {
    // The client wrote "1.1.1.1" itself; the proxy appended what it saw.
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: '1.1.1.1, 203.0.113.7', trusted: proxies })).toBe('203.0.113.7');
    // Two proxies in a row.
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: '1.1.1.1, 203.0.113.7, 192.168.1.5', trusted: proxies })).toBe('203.0.113.7');
    // Several headers are one list (Node joins them with ", ").
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: ['1.1.1.1', '203.0.113.7:5555'], trusted: proxies })).toBe('203.0.113.7');
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: '[2001:db8::7]:1234', trusted: proxies })).toBe('2001:db8::7');
  });

  it('a trusted peer without a usable X-Forwarded-For: the last trusted hop', () => {
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: undefined, trusted: proxies })).toBe('10.0.0.2');
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: ' , ', trusted: proxies })).toBe('10.0.0.2');
    // Every hop trusted: the left-most.
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: '10.9.9.9, 192.168.1.5', trusted: proxies })).toBe('10.9.9.9');
    // Garbage stops the walk; what is left of it is never believed.
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: '5.5.5.5, evil, 10.0.0.3', trusted: proxies })).toBe('10.0.0.3');
    expect(computeClientAddress({ peer: '10.0.0.2', forwardedFor: 'unknown', trusted: proxies })).toBe('10.0.0.2');
  });
});

describe('setClientIpHeader', () => {
  function request(peer: string, headers: string[]) {
    const socket = new Socket();
    Object.defineProperty(socket, 'remoteAddress', { value: peer });
    const req = new IncomingMessage(socket);
    req.rawHeaders = headers;
    for (let i = 0; i < headers.length; i += 2) {
      const k = headers[i].toLowerCase();
      req.headers[k] = req.headers[k] ? `${req.headers[k]}, ${headers[i + 1]}` : headers[i + 1];
    }
    return req;
  }

  it('drops a client-sent copy of the private header and writes the computed address', () => {
    const req = request('::ffff:198.51.100.4', ['Host', 'x', 'X-Harbormaster-Client-IP', '1.2.3.4', 'X-Forwarded-For', '9.9.9.9']);
    expect(setClientIpHeader(req, none)).toBe('198.51.100.4');
    expect(req.headers[CLIENT_IP_HEADER]).toBe('198.51.100.4');
    expect(req.rawHeaders).toEqual(['Host', 'x', 'X-Forwarded-For', '9.9.9.9', CLIENT_IP_HEADER, '198.51.100.4']);
  });

  it('behind a trusted proxy: the forwarded address', () => {
    const req = request('10.0.0.2', ['x-forwarded-for', '1.1.1.1', 'X-Forwarded-For', '203.0.113.7', CLIENT_IP_HEADER, '1.1.1.1']);
    expect(setClientIpHeader(req, proxies)).toBe('203.0.113.7');
    expect(req.headers[CLIENT_IP_HEADER]).toBe('203.0.113.7');
  });
});

describe('HARBORMASTER_TRUSTED_PROXIES in server/env.ts', () => {
  it('is parsed there too, and a malformed entry is a configuration error naming it', async () => {
    const { env, resetEnvCache } = await import('@/server/env');
    const before = process.env.HARBORMASTER_TRUSTED_PROXIES;
    try {
      delete process.env.HARBORMASTER_TRUSTED_PROXIES;
      resetEnvCache();
      expect(env().HARBORMASTER_TRUSTED_PROXIES.entries).toEqual([]);
      process.env.HARBORMASTER_TRUSTED_PROXIES = '10.0.0.0/8,::1';
      resetEnvCache();
      expect(env().HARBORMASTER_TRUSTED_PROXIES.entries).toEqual(['10.0.0.0/8', '::1']);
      process.env.HARBORMASTER_TRUSTED_PROXIES = '10.0.0.0/8,proxy.internal';
      resetEnvCache();
      expect(() => env()).toThrow(/Invalid configuration:\n {2}HARBORMASTER_TRUSTED_PROXIES: "proxy\.internal" is not an IP address or CIDR range/);
    } finally {
      if (before === undefined) delete process.env.HARBORMASTER_TRUSTED_PROXIES;
      else process.env.HARBORMASTER_TRUSTED_PROXIES = before;
      resetEnvCache();
    }
  });
});
