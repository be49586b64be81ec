/** The documents the vendor takes (Persona: government id with front and back photos, selfie, and documents). */
export const DOCUMENT_TYPES = ['government_id', 'selfie', 'proof_of_address', 'source_of_funds'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_SIDES = ['front', 'back'] as const;
export type DocumentSide = (typeof DOCUMENT_SIDES)[number];

/** A photo or file the tier needs: a document type, and for a government id each side. */
export interface RequiredDocument {
  type: DocumentType;
  side?: DocumentSide;
}

/** The tiers a user can verify for (Basic, level 1, is every user's). */
export type TargetTier = 2 | 3;

/** The identity fields every verification needs. */
export const REQUIRED_FIELDS = ['firstName', 'lastName', 'dateOfBirth', 'address'] as const;

/**
 * What a tier needs proven: Verified a government id (front and back) and a selfie; Premium also a proof of
 * address and of the source of funds.
 */
export function requiredDocuments(tier: TargetTier): RequiredDocument[] {
  const verified: RequiredDocument[] = [
    { type: 'government_id', side: 'front' },
    { type: 'government_id', side: 'back' },
    { type: 'selfie' },
  ];
  return tier === 2 ? verified : [...verified, { type: 'proof_of_address' }, { type: 'source_of_funds' }];
}

/** The required documents not yet among `provided` (those accepted, not errored). */
export function missingDocuments(
  tier: TargetTier,
  provided: ReadonlyArray<{ type: string; side: string | null }>,
): RequiredDocument[] {
  return requiredDocuments(tier).filter(
    (required) =>
      !provided.some(
        (document) => document.type === required.type && (required.side ?? null) === (document.side ?? null),
      ),
  );
}

/** Whether a document of this type is taken with a side (a government id) or without (the others). */
export function takesSide(type: DocumentType): boolean {
  return type === 'government_id';
}
