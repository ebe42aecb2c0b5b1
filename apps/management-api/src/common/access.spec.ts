import { Principal } from '@live/auth';
import { assertCanManage, isStaff } from './access';

const user = (sub: string, ...roles: Principal['roles']): Principal => ({ sub, name: sub, roles });

describe('assertCanManage', () => {
  it('lets staff manage anything and a seller only its own', () => {
    expect(() => assertCanManage(user('a', 'admin'), 'someone')).not.toThrow();
    expect(() => assertCanManage(user('o', 'operator'), 'someone')).not.toThrow();
    expect(() => assertCanManage(user('s', 'seller'), 's')).not.toThrow();
  });

  it.each([
    [user('s', 'seller'), 'other-seller'],
    [user('v', 'viewer'), 'v'],
    [user('m', 'moderator'), 'm'],
    [user('s', 'viewer'), 's'], // owning the show is not enough without the seller role
  ])('refuses %j on a show of %s', (who, owner) => {
    expect(() => assertCanManage(who, owner)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('knows who is staff', () => {
    expect(isStaff(user('x', 'viewer', 'operator'))).toBe(true);
    expect(isStaff(user('x', 'seller', 'moderator'))).toBe(false);
  });
});
