import 'reflect-metadata';
import { DataSource } from 'typeorm';

import { dataSourceOptions } from './src/common/persistence/data-source-options.js';
import { loadConfig } from './src/config/app-config.js';

/** The data source of the TypeORM CLI: `npm run migration:run`, on the configured database. */
export default new DataSource(dataSourceOptions(loadConfig(process.env).database));
