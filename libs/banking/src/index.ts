export { BankingModule } from './banking.module';
export * from './domain/events';
export * from './domain/banking.errors';
export { BankingCalendar, type AchSpeed, type Rail, type LocalDate } from './domain/banking-calendar';
export { signDwolla, verifyDwolla, DWOLLA_SIGNATURE_HEADER } from './domain/dwolla-signature';
export { RETURN_CODES, type ReturnCode } from './domain/return-codes';
