// A Go user catches the library's validation error: the jsii runtime panics with an error carrying the message,
// which the library's Errors helpers recognise and parse. Prints the outcome as JSON.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	aip "github.com/cdk8s-ai-platform/cdk8s-ai-platform-go/cdk8saiplatform"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

type parts struct {
	ConstructPath string `json:"constructPath"`
	Field         string `json:"field"`
	Value         string `json:"value"`
	Accepted      string `json:"accepted"`
}

type result struct {
	Raised                   bool   `json:"raised"`
	Type                     string `json:"type,omitempty"`
	IsValidationErrorMessage bool   `json:"isValidationErrorMessage"`
	Parts                    *parts `json:"parts"`
	OtherError               bool   `json:"otherError"`
}

// declare builds a SparkJob with 0 driver cores and returns the error it raised, if any.
func declare() (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("jobs"), &cdk8s.ChartProps{Namespace: jsii.String("spark-jobs")})
	aip.NewSparkJob(chart, jsii.String("pi"), &aip.SparkJobProps{
		Name:                jsii.String("pi"),
		Type:                aip.SparkApplicationType_PYTHON,
		SparkVersion:        jsii.String("3.5.5"),
		Image:               jsii.String("docker.io/apache/spark:3.5.5"),
		MainApplicationFile: jsii.String("local:///opt/spark/pi.py"),
		Driver:              &aip.SparkPodOptions{Cores: jsii.Number(0)},
	})
	return nil
}

func main() {
	var r result
	if err := declare(); err != nil {
		message := err.Error()
		r.Raised = true
		r.Type = fmt.Sprintf("%T", err)
		r.IsValidationErrorMessage = *aip.Errors_IsValidationErrorMessage(jsii.String(message))
		if p := aip.Errors_ParseValidationErrorMessage(jsii.String(message)); p != nil {
			r.Parts = &parts{*p.ConstructPath, *p.Field, *p.Value, *p.Accepted}
		}
	}
	r.OtherError = *aip.Errors_IsValidationErrorMessage(jsii.String("Cannot read properties of undefined (reading 'forEach')"))
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		panic(err)
	}
}
