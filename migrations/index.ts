import { Identity1763700000000 } from './1763700000000-identity';

/** Every migration, in order. Additive only: `npm run lint:migrations` refuses destructive statements. */
export const migrations = [Identity1763700000000];
