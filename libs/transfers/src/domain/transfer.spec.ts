import { TransferLifecycle } from './transfer';
import { InvalidTransferTransitionError } from './transfer.errors';

describe('TransferLifecycle', () => {
  it('records pending → processing → completed', () => {
    const transfer = new TransferLifecycle();
    transfer.moveTo('processing');
    transfer.moveTo('completed');
    expect(transfer.history.map((change) => change.status)).toEqual(['pending', 'processing', 'completed']);
  });

  it('records why a transfer failed', () => {
    const transfer = new TransferLifecycle();
    transfer.moveTo('processing');
    transfer.moveTo('failed', 'INSUFFICIENT_FUNDS');
    expect(transfer.history.at(-1)).toMatchObject({ status: 'failed', reason: 'INSUFFICIENT_FUNDS' });
  });

  it.each([
    ['completed', 'failed'],
    ['failed', 'completed'],
    ['pending', 'completed'],
    ['completed', 'processing'],
  ] as const)('refuses %s → %s', (from, to) => {
    const transfer = new TransferLifecycle(from);
    expect(() => transfer.moveTo(to)).toThrow(InvalidTransferTransitionError);
  });
});
