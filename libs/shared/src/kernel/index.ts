// The shared kernel: pure domain building blocks that any context's domain layer may import.
export * from './domain-error';
