// SPDX-License-Identifier: Apache-2.0
package dev.vend.policy;

import java.util.List;

/** A policy document Vend refuses to load. Lists every problem, each naming the policy. */
public final class PolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public PolicyException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, readable on its own. */
    public List<String> problems() {
        return problems;
    }
}
