export { ProvidersModule } from './providers.module';
export * from './domain/stablecoin-provider.port';
export * from './domain/providers.errors';
