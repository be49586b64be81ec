/**
 * The user's time zone (a wallet preference) changed: their days are read in the new zone from now on (insights'
 * analytics re-buckets the user's history into the new zone's days). Written in the transaction of the change.
 */
export const TimeZoneChanged = 'TimeZoneChanged';

export interface TimeZoneChangedPayload extends Record<string, unknown> {
  userId: string;
  /** IANA name, e.g. "Europe/Paris". */
  timezone: string;
  previous: string;
}
