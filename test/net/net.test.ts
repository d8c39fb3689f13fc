import t from 'tap';
import {
  formatAddress,
  formatRange,
  lastAddress,
  mapIpv4,
  parseAddress,
  parseRange,
  rangeContains,
  unmapIpv4,
} from '../../src/net/index.js';

t.test('addresses are read with Go net.ParseIP rules', async (t) => {
  t.same(parseAddress('10.1.2.3'), { bits: 32, value: 0x0a010203n });
  t.same(
    parseAddress('::ffff:169.254.169.254'),
    { bits: 128, value: (0xffffn << 32n) | 0xa9fea9fen },
    'mapped stays IPv6 until unmapped',
  );
  for (const bad of [
    '010.1.2.3',
    '1.2.3',
    '256.0.0.1',
    'a::b::c',
    '1:2:3:4:5:6:7:8::',
    '[::1]',
    'fe80::1%eth0',
    '12345::',
    '',
  ]) {
    t.equal(parseAddress(bad), undefined, bad);
  }
});

t.test('IPv4-mapped addresses convert both ways', async (t) => {
  const mapped = parseAddress('::ffff:a9fe:a9fe');
  t.ok(mapped);
  if (mapped === undefined) return;
  t.equal(formatAddress(unmapIpv4(mapped)), '169.254.169.254');
  const v4 = parseAddress('169.254.169.254');
  t.same(v4 === undefined ? undefined : mapIpv4(v4), mapped);
  const plain = parseAddress('2001:db8::1');
  t.same(plain === undefined ? undefined : unmapIpv4(plain), plain, 'other IPv6 unchanged');
});

t.test('ranges: host bits cleared, families kept apart, Go prefix syntax', async (t) => {
  const r = parseRange('10.9.8.7/8');
  t.ok(r);
  if (r === undefined) return;
  t.equal(formatRange(r), '10.0.0.0/8');
  t.equal(lastAddress(r), 0x0affffffn);
  const inside = parseAddress('10.255.0.1');
  const mapped = parseAddress('::ffff:10.0.0.1');
  t.ok(inside !== undefined && rangeContains(r, inside));
  t.notOk(mapped !== undefined && rangeContains(r, mapped), 'an IPv6 address is never in an IPv4 range');
  for (const bad of ['10.0.0.0/08', '10.0.0.0/33', '10.0.0.0', '::/129', 'x/8'])
    t.equal(parseRange(bad), undefined, bad);
  const v6 = parseRange('2001:db8:0:0:1::/64');
  t.equal(v6 === undefined ? undefined : formatRange(v6), '2001:db8::/64');
});
