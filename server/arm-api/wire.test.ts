import { describe, expect, it } from 'vitest';
import { isoDurationMs, msToIsoDuration, otherWorkspace, parseAssetId } from './wire';

describe('ARM wire helpers', () => {
  it('reads ISO 8601 durations as ARM sends them, and nothing else', () => {
    expect(isoDurationMs('PT10S')).toBe(10_000);
    expect(isoDurationMs('PT0.5S')).toBe(500);
    expect(isoDurationMs('P1DT2H')).toBe((26 * 3600) * 1000);
    expect(isoDurationMs('pt30m')).toBe(1_800_000);
    for (const bad of ['P', 'PT', 'P1DT', '10s', 'ten minutes', '', 10]) expect(isoDurationMs(bad), String(bad)).toBeUndefined();
    expect(isoDurationMs(msToIsoDuration(1500))).toBe(1500);
  });

  it('parses asset ids of any subscription and case, and says when they belong to another workspace', () => {
    const id = '/subscriptions/s/resourcegroups/r/providers/microsoft.machinelearningservices/workspaces/Vision/models/clf/versions/3';
    expect(parseAssetId(id, 'models')).toEqual({ workspace: 'Vision', name: 'clf', version: '3' });
    expect(parseAssetId(id, 'environments')).toBeNull();
    expect(parseAssetId('azureml:clf:3', 'models')).toBeNull();
    expect(parseAssetId('/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/vision/environments/azureml:base/versions/1', 'environments')).toMatchObject({ name: 'base', version: '1' });
    const a = parseAssetId(id, 'models')!;
    expect(otherWorkspace(id, 'models', 'vision', a)).toBeNull();
    expect(otherWorkspace(id, 'models', 'forecasting', a)).toContain('is in workspace Vision');
  });
});
