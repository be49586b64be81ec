import { readFileSync } from 'node:fs';
import { ARTIFACTS_FILE, compileContracts, renderArtifacts } from './compile-contracts';

describe('the committed contract artifacts', () => {
  it('are exactly what solc makes of the committed Solidity sources (run npm run chain:compile after a change)', () => {
    const compiled = compileContracts();
    expect(Object.keys(compiled.contracts).sort()).toEqual(['BatchPayer', 'TempoToken']);
    expect(compiled.contracts.TempoToken!.bytecode.length).toBeGreaterThan(1_000);
    expect(readFileSync(ARTIFACTS_FILE, 'utf8')).toBe(renderArtifacts(compiled));
  });

  it('declare the TIP-20 surface the adapter relies on', () => {
    const { contracts } = compileContracts();
    const names = (contracts.TempoToken!.abi as Array<{ type: string; name?: string }>).map(
      (item) => `${item.type}:${item.name ?? ''}`,
    );
    for (const expected of [
      'function:transferWithMemo',
      'function:balanceOf',
      'function:decimals',
      'event:Transfer',
      'event:TransferWithMemo',
    ]) {
      expect(names).toContain(expected);
    }
  });
});
