// The shared kernel: pure domain building blocks that any context's domain layer may import.
export * from './domain-error';
export * from './currency';
export * from './money';
export * from './amount';
export * from './time-zone';
export * from './ids';
