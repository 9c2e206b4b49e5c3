// Entry point of the windlass command (placeholder).
console.log('windlass: no commands yet');
