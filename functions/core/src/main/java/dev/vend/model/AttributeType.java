// SPDX-License-Identifier: Apache-2.0
package dev.vend.model;

/** The type a preset declares for a verified attribute; policies are compared against it. */
public enum AttributeType {
    STRING,
    NUMBER,
    BOOLEAN,
    STRING_LIST
}
