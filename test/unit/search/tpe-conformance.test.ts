import { TPESampler } from '../../../src/search/tpe/sampler.js';
import { samplerConformance } from './sampler-suite.js';

// 40 suggestions per sequence: 10 random startup trials, then TPE proper for the rest.
samplerConformance('tpe (multivariate, constant liar)', () => new TPESampler(), { method: 'bayes' });
samplerConformance('tpe (independent)', () => new TPESampler({ multivariate: false }), { method: 'bayes', n: 25 });
