export { RewardsModule } from './rewards.module';
export * from './domain/events';
export * from './domain/rewards.errors';
