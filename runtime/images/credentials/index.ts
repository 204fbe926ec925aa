// Registry credentials: the Docker-compatible config file, login and logout.
export {
  CredentialsFileError,
  credentialsFile,
  credentialsFor,
  loadCredentials,
  normalizeRegistry,
  removeCredentials,
  saveCredentials,
} from './config-file.js';
export { login, logout, type LoginOptions } from './login.js';
