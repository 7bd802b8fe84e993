import { of } from 'rxjs';
describe('toolchain', () => {
  it('runs ESM TypeScript', async () => {
    const { SignJWT } = await import('jose');
    expect(typeof SignJWT).toBe('function');
    expect(of(1)).toBeDefined();
  });
});
