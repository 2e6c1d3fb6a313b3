// Instance types: schema and parsing, resource checks, tolerations and the fit ("can start N now").
export * from './schema';
export * from './resources';
export * from './tolerations';
export * from './fit';
