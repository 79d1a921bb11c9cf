// Lease-based leader election against a real API server: a candidate stopped while it is
// still taking the lease must stop (and give the lease back), not lead on unstoppably.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/cli/log.js';
import * as resources from '../../src/client/resources.js';
import { Client } from '../../src/client/rest.js';
import { LeaseElection, type Lease } from '../../src/controllers/controller-utils/leaderelection.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

describe('leader election', () => {
  let cluster: TestCluster;
  let client: Client;
  before(async () => {
    cluster = await startTestCluster();
    client = await Client.fromKubeconfig(cluster.kubeconfig);
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  const election = (name: string, identity: string) =>
    new LeaseElection({
      leases: client.resource<Lease>(resources.leases),
      namespace: 'default',
      name,
      identity,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      log: createLogger(0, () => undefined),
    });

  test('a candidate stopped while taking the lease stops without leading and gives the lease back', async () => {
    const stop = new AbortController();
    let led = false;
    // Aborted at once: the first acquire request is still in flight.
    const run = election('stopped-early', 'early').run(stop.signal, async () => {
      led = true;
    });
    stop.abort();
    const outcome = await Promise.race([run.then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still running after 5 s'), 5000))]);
    assert.equal(outcome, 'stopped');
    assert.equal(led, false);
    const lease = await client.resource<Lease>(resources.leases).get('default', 'stopped-early');
    assert.ok(!lease.spec?.holderIdentity, `released, held by ${lease.spec?.holderIdentity}`);
  });

  test('a leader stopped while leading ends its term and gives the lease back', async () => {
    const stop = new AbortController();
    let term: AbortSignal | undefined;
    const run = election('stopped-leading', 'leader').run(stop.signal, async (leading) => {
      term = leading;
      await new Promise((r) => leading.addEventListener('abort', r, { once: true }));
    });
    while (!term) await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await run;
    assert.equal(term.aborted, true);
    const lease = await client.resource<Lease>(resources.leases).get('default', 'stopped-leading');
    assert.ok(!lease.spec?.holderIdentity);
  });
});
