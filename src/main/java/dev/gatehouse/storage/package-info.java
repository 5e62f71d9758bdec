/** Connection pool, migrations, transactions, Okta-style ids and secret hashing, shared by every store. */
package dev.gatehouse.storage;
