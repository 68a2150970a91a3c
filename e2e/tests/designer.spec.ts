import { expect, test } from '@playwright/test';

test.describe('designer (plan-only placeholder)', () => {
  test('editing the lab shows its validation errors and the plan', async ({ page }) => {
    await page.goto('/');
    const plan = page.getByRole('region', { name: 'Plan' });
    await expect(plan).toContainText('ip netns add blue');
    await expect(plan).toContainText('ip link add veth-red netns red type veth peer name veth-blue netns blue');

    const yaml = page.getByLabel('Lab (YAML)');
    await yaml.fill((await yaml.inputValue()).replace('veth-blue,', 'veth-blue-far-too-long,'));
    await expect(page.getByRole('list', { name: 'Validation' })).toContainText('links[0].endpoints[1].name: "veth-blue-far-too-long" is 22 characters; Linux allows 15');
  });
});
