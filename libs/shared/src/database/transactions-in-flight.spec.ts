import { transactionsInFlight } from './transactions-in-flight';

describe('transactionsInFlight', () => {
  it('adds every xid from the snapshot’s xmax up to the next one to its xip list', () => {
    expect(transactionsInFlight('100:105:100,102', '107')).toEqual(['100', '102', '105', '106']);
  });

  it('finds the transaction a snapshot shows nothing of (it took its xid after the newest completed one)', () => {
    expect(transactionsInFlight('729:729:', '730')).toEqual(['729']);
  });

  it('is empty when nothing runs', () => {
    expect(transactionsInFlight('731:731:', '731')).toEqual([]);
  });
});
