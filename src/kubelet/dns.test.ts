import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { parseClusterDNS } from './dns.js';
import { clusterDnsSettings, defaultClusterDNS, parseResolvConf, podDnsConfig, podHostnameAndDomain, sandboxHostname, viableResolvConf, type ClusterDnsSettings } from './dns.js';

const pod = (spec: Partial<NonNullable<IPod['spec']>>, name = 'p'): IPod => ({ metadata: { name, namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'c' }], ...spec } }) as IPod;
const dns: ClusterDnsSettings = clusterDnsSettings({ clusterDNS: ['10.43.0.10'] }, 'search corp.example lab.example.\nnameserver 10.0.0.2\nnameserver 10.0.0.3 # second\noptions edns0 rotate\n');

test('resolv.conf: every nameserver, the last search line without trailing dots, every option', () => {
  assert.deepEqual(parseResolvConf('search a.b\nsearch c.d e.f.\n; comment\nnameserver 1.1.1.1\nnameserver 8.8.8.8\noptions ndots:2\noptions timeout:1\n'), {
    servers: ['1.1.1.1', '8.8.8.8'],
    searches: ['c.d', 'e.f'],
    options: ['ndots:2', 'timeout:1'],
  });
  assert.equal(defaultClusterDNS('10.43.0.0/16'), '10.43.0.10');
  assert.equal(defaultClusterDNS('10.96.0.0/12'), '10.96.0.10');
});

test('ClusterFirst: the cluster DNS, the Kubernetes search path then the node search domains, ndots:5', () => {
  assert.deepEqual(podDnsConfig(pod({}), dns), {
    config: { servers: ['10.43.0.10'], searches: ['ns.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'], options: ['ndots:5'] },
    missingClusterDNS: false,
  });
  const other = podDnsConfig(pod({}), { ...dns, clusterDomain: 'k8s.test' }).config;
  assert.deepEqual(other.searches.slice(0, 3), ['ns.svc.k8s.test', 'svc.k8s.test', 'k8s.test']);
});

test('ClusterFirst without a cluster DNS, Default, and host-network ClusterFirst use the node resolver', () => {
  const node = { servers: ['10.0.0.2', '10.0.0.3'], searches: ['corp.example', 'lab.example'], options: ['edns0', 'rotate'] };
  assert.deepEqual(podDnsConfig(pod({}), { ...dns, clusterDNS: [] }), { config: node, missingClusterDNS: true });
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), dns), { config: node, missingClusterDNS: false });
  assert.deepEqual(podDnsConfig(pod({ hostNetwork: true }), dns).config, node);
  assert.deepEqual(podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), dns).config.servers, ['10.43.0.10']);
});

test('None takes only the dnsConfig; dnsConfig merges into other policies, options by name with the pod winning', () => {
  const none = pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['resolv.conf.local'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } });
  assert.deepEqual(podDnsConfig(none, dns).config, { servers: ['1.1.1.1'], searches: ['resolv.conf.local'], options: ['ndots:2', 'edns0'] });
  const merged = pod({ dnsConfig: { nameservers: ['10.43.0.10', '1.1.1.1'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }] } });
  assert.deepEqual(podDnsConfig(merged, dns).config, {
    servers: ['10.43.0.10', '1.1.1.1'],
    searches: ['ns.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example', 'extra.example'],
    options: ['ndots:1', 'single-request'],
  });
});

test('limits: three nameservers, 32 search domains', () => {
  const many = pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'], searches: Array.from({ length: 40 }, (_, i) => `d${i}.example`) } });
  const c = podDnsConfig(many, dns).config;
  assert.deepEqual(c.servers, ['1.1.1.1', '1.1.1.2', '1.1.1.3']);
  assert.equal(c.searches.length, 32);
});

test('hostname and domain: spec.hostname or the name cut to 63, subdomain FQDN, setHostnameAsFQDN, none with hostNetwork', () => {
  assert.deepEqual(podHostnameAndDomain(pod({}), 'cluster.local'), { hostname: 'p', domain: '' });
  assert.deepEqual(podHostnameAndDomain(pod({ hostname: 'web-0', subdomain: 'web' }), 'cluster.local'), { hostname: 'web-0', domain: 'web.ns.svc.cluster.local' });
  assert.equal(podHostnameAndDomain(pod({}, `${'a'.repeat(62)}-bcd`), 'cluster.local').hostname, 'a'.repeat(62));
  assert.equal(sandboxHostname(pod({ hostname: 'web-0', subdomain: 'web' }), 'cluster.local'), 'web-0');
  assert.equal(sandboxHostname(pod({ hostname: 'web-0', subdomain: 'web', setHostnameAsFQDN: true }), 'cluster.local'), 'web-0.web.ns.svc.cluster.local');
  assert.equal(sandboxHostname(pod({ hostNetwork: true }), 'cluster.local'), '');
  assert.throws(() => sandboxHostname(pod({ hostname: 'a'.repeat(40), subdomain: 'web', setHostnameAsFQDN: true }), 'cluster.local'), /^Error: failed to construct FQDN from pod hostname and cluster domain, FQDN a{40}\.web\.ns\.svc\.cluster\.local is too long \(64 characters is the max, 65 characters requested\)$/);
});

test("a node resolv.conf is viable (k3s) with a nameserver pods can reach: not loopback, multicast or link-local", () => {
  assert.equal(viableResolvConf('nameserver 10.255.255.53\n'), true);
  assert.equal(viableResolvConf('nameserver 127.0.0.53\noptions edns0\n'), false);
  assert.equal(viableResolvConf('nameserver 10.0.0.2\nnameserver ::1\n'), false);
  assert.equal(viableResolvConf('nameserver 169.254.169.253\n'), false);
  assert.equal(viableResolvConf('nameserver fe80::1\n'), false);
  assert.equal(viableResolvConf('search example.com\n'), false);
});

test('--cluster-dns takes comma-separated IPs and refuses anything else', () => {
  assert.deepEqual(parseClusterDNS('10.43.0.10'), ['10.43.0.10']);
  assert.deepEqual(parseClusterDNS('10.43.0.10, fd00::a'), ['10.43.0.10', 'fd00::a']);
  assert.equal(parseClusterDNS(undefined), undefined);
  assert.throws(() => parseClusterDNS('dns.local'), /invalid --cluster-dns "dns.local": not an IP address/);
});
