// Node module resolution hook (module.register): 'react', 'react-dom' and their subpaths resolve from
// this folder's node_modules (React 18) instead of the package's (React 19).
const here = new URL('./', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'react' || specifier.startsWith('react/') || specifier === 'react-dom' || specifier.startsWith('react-dom/')) {
    return next(specifier, { ...context, parentURL: here + 'index.js' });
  }
  return next(specifier, context);
}
